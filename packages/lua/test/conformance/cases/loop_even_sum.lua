local n = 0
for i = 1, 10 do
 if i % 2 == 0 then n = n + i end
end
print(n)
