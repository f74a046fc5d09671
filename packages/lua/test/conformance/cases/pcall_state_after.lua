local t = {}
local ok = pcall(function() t.a = 1; error("x"); t.b = 2 end)
print(ok, t.a, t.b)
local s = 0
for i = 1, 5 do local ok2 = pcall(function() if i % 2 == 0 then error("even") end s = s + i end) end
print(s)
