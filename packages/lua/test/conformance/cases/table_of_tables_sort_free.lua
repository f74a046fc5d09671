local pts = {}
for i = 1, 5 do pts[i] = {x = i, y = i * i} end
local s = 0
for _, p in ipairs(pts) do s = s + p.x * p.y end
print(s)
