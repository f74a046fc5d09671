-- sets: ranges, complements, classes and escapes inside, ']' first, '-' at either end, '^' not first
print(string.match("a-z", "[a-]+"), string.match("a-z", "[-a]+"), string.match("a^z", "[z^]+"), string.match("^^a", "[^^]+"))
print(string.match("]]a", "[]]+"), string.match("]]a", "[^]]+"), string.match("a%b", "[%%]"), string.match("abc", "[%a-z]+"))
print(string.match("abc-", "[a-%z]+"), string.match("hello123", "[a-f]+"), string.match("hello123", "[h-l]+"), string.match("x7y", "[0-9]"))
print(string.match("a]b", "[%]]"), string.match("a-b", "[%-]"), string.match("AbC", "[^%l]+"), string.match("a b\tc", "[%s]+"):len())
print(string.match("zyx", "[x-z]+"), string.match("zyx", "[z-x]+"), string.match("a-c", "[a-c-]+"), string.match("_x1", "[_%w]+"))
print(string.gsub("a1b2c3", "[%d]", "#"), string.gsub("a1b2c3", "[^%d]", "#"), string.gsub("[x]", "[%[%]]", "|"))
print(string.find("abc", "[b]"), string.find("abc", "[^a]"), string.find("abc", "[^abc]"), string.find("", "[^a]"))
