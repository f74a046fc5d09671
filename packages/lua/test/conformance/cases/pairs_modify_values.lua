local t = {a = 1, b = 2, c = 3}
for k, v in pairs(t) do t[k] = v * 10 end
print(t.a + t.b + t.c)
for k in pairs(t) do t[k] = nil end
print(next(t))
