local t = {1, 2, 3}
local s = 0
for k, v in next, t do s = s + k * v end
print(s)
