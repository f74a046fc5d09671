-- string.find: init (positive, negative, 0, past the end), the plain flag, patterns without specials
local s = "hello world, hello lua"
print(string.find(s, "hello"), string.find(s, "hello", 2), string.find(s, "hello", -9), string.find(s, "hello", -3))
print(string.find(s, "o", 0), string.find(s, "o", -100), string.find(s, "", 100), string.find(s, "", #s + 1), string.find(s, "x*", 30))
print(string.find(s, "l+", 5), string.find(s, "l+", 5, true), string.find("a+b", "+", 1, true), string.find("a.b", ".", 1, 1))
print(string.find("a.b", ".", 1, false), string.find("a.b", ".", nil, true), string.find("a(b", "(", 1, true), string.find("x]y)", "]"), string.find("x]y)", ")"))
print(string.find("abc", "c", "2"), string.find(12345, 34), string.find(12345, 3.4), string.find("a\0b\0c", "\0c"), string.find("", ""), string.find("", "a"))
print(pcall(string.find, "abc", "c", "x"))
print(pcall(string.find, "abc"))
print(pcall(string.find, nil, "a"))
print(pcall(string.find, "abc", {}))
print(string.find("a%b", "%", 1, true), string.find("a^b", "^b", 1, true), string.find("a^b", "a^b"), string.find("^b", "^^b"))
print(string.find("aaa", "a", 4), string.find("aaa", "a", 3), string.find("aaa", "^a", 2), string.find("aaa", "a$", 2))
