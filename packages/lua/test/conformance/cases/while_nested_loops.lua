local i, total = 0, 0
while i < 5 do
 local j = 0
 while j < i do total = total + j j = j + 1 end
 i = i + 1
end
print(total)
