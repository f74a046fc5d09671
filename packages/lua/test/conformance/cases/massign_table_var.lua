local t = {x = 1}
local u = {x = 2}
t, t.x = u, 5
print(t.x, u.x)
