local n = 0
for i = -3, 3 do n = n + i end
print(n)
for i = 2^31 - 2, 2^31 do print(i) end
