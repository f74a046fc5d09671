local t = {}
for i = 1, 5 do t["k" .. i] = i end
local s = 0
for i = 1, 5 do s = s + t["k" .. i] end
print(s, t.k3)
