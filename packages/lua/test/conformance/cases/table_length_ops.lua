local t = {}
for i = 1, 100 do t[i] = i end
for i = 1, 50 do t[#t] = nil end
print(#t)
