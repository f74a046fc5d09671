for i = 5, 1, -2 do print(i) end
for i = 1, 0 do print("never") end
