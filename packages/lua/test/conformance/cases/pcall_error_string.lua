print(pcall(function() error("boom") end))
print(pcall(function() error("lvl0", 0) end))
