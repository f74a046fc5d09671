local t = {}
for i = 10, 1, -1 do t[i] = i end
print(#t, t[1], t[10])
