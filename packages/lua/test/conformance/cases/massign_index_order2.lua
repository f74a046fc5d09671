local t = {1, 2, 3}
local i = 3
t[i], i = 10, 1
print(i, t[1], t[3])
