local found
for i = 1, 5 do
 for j = 1, 5 do
  if i * j == 12 then found = i .. "x" .. j break end
 end
 if found then break end
end
print(found)
