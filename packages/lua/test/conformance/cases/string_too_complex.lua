-- oracle: luajit
-- LuaJIT bounds the matcher's recursion (LJ_MAX_XLEVEL): nested optional items raise "pattern too complex"
print(pcall(string.find, string.rep("a", 300), string.rep("a?", 300)))
print(pcall(string.find, string.rep("a", 100), string.rep("a?", 100)))
print(pcall(string.match, string.rep("a", 198), string.rep("a?", 198) .. "$"))
print(pcall(string.match, string.rep("a", 250), string.rep("a?", 250) .. "$"))
print(pcall(string.match, string.rep("x", 5000), ".-$"))
print(#string.gsub(string.rep("ab", 2000), "a", "x"), select(2, string.gsub(string.rep("ab", 2000), "(a)(b)", "%2%1")))
