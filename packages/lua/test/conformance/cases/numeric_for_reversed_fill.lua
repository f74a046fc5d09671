local t = {}
for i = 3, 1, -1 do t[#t + 1] = i end
print(t[1], t[2], t[3])
