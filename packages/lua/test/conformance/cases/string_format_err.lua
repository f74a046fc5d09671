-- oracle: luajit
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%d"))
