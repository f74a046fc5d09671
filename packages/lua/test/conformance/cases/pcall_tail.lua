local function safe(f) return pcall(f) end
print(safe(function() return "fine" end))
print(safe(function() error("bad") end))
local function twice(x) return pcall(function() return x * 2 end) end
for i = 1, 3 do print(twice(i)) end
