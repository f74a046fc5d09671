-- oracle: luajit
-- string.rep with LuaJIT's separator argument, counts converted as lj_lib_checkint does, and the memory limit
print(string.rep("ab", 3, ","), string.rep("ab", 1, ","), string.rep("ab", 0, ","), string.rep("", 5, ","), string.rep("", 3, ""))
print(string.rep("x", 2.9), string.rep("x", "3"), string.rep("x", -1), string.rep(5, 2, 6), string.rep("ab", 2, ""), #string.rep("abc", 1000, "--"))
print(pcall(string.rep, "x"))
print(pcall(string.rep, "x", 2, {}))
print(pcall(string.rep, "x", "y"))
print(pcall(string.rep, "x", 2^31))
print(pcall(string.rep, "x", 1e10))
print(pcall(function() local s = string.rep("x", 2^31 - 1) return #s end))
