local s = 0
for x = 0, 1, 0.25 do s = s + x end
print(s)
for x = 1, 2, 0.5 do print(x) end
