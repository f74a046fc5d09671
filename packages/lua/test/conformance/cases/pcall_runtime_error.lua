print(pcall(function() local t = nil; return t.x end))
print(pcall(function() return 1 + nil end))
print(pcall(function() undefinedfn() end))
