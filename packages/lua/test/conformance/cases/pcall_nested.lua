print(pcall(function() return pcall(function() error("deep") end) end))
print(pcall(function() local ok, e = pcall(error, "in") return "out", ok, e end))
