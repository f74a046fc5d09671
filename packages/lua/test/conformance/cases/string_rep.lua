print(string.rep("ab", 3), string.rep("x", 0), string.rep("x", -1), #string.rep("abc", 100))
