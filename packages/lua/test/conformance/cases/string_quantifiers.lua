-- quantifiers * + - ? on single items and sets, greedy against lazy, anchors and literal ^ and $
print(string.match("aaab", "a*"), string.match("aaab", "a+"), string.match("aaab", "a-"), string.match("aaab", "a-b"), string.match("b", "a?b"))
print(string.match("<a><b>", "<(.*)>"), string.match("<a><b>", "<(.-)>"), string.match("ab", "a?b?c?"), string.find("color colour", "colou?r", 3))
print(string.match("  x  ", "^%s*(.-)%s*$"), string.match("123abc", "^%d+"), string.match("abc123", "^%d+"), string.match("abc123", "%d+$"))
print(string.find("a$b", "$b"), string.find("a$", "a$$"), string.find("a$", "$"), string.find("a^b", "a^b"), string.find("a", "a$x"))
print(string.match("aaa", "^a-$"), string.match("", "a*"), string.match("", "a+"), string.match("xyz", "[xy]*z"), string.match("xyz", "[xy]-z"))
print(string.match("key=val; k2=v2", "(%w+)=(%w+)$"), string.match("abab", "(ab)+"), string.match("aXbXc", "(.-)X"), string.match("a+b", "a+b"))
print(string.gsub("hello world", "o*", "."), string.gsub("abc", ".-", "-"), string.gsub("abc", "b?", "-"), string.gsub("abc", "^", ">"), string.gsub("abc", "$", "<"))
print(string.find("aaa", ".-$"), string.find("abc", "()c?$"), string.match("0x1F", "^0[xX](%x+)$"), string.match("-12.5e3", "^[+-]?%d+%.?%d*[eE]?[+-]?%d*$"))
