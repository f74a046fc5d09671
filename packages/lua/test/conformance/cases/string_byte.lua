print(string.byte("A"), string.byte("abc", 2), string.byte("abc", 1, 3))
print(string.byte("abc", -1), string.byte("", 1), select("#", string.byte("abc", 5)))
