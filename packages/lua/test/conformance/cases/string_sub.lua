local s = "hello world"
print(string.sub(s, 1, 5), string.sub(s, 7), string.sub(s, -5), string.sub(s, -5, -3), string.sub(s, 0), string.sub(s, 5, 2), string.sub(s, 20))
