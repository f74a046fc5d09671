local parts = {}
for i = 1, 10 do parts[#parts + 1] = string.format("%02d", i) end
print(table.concat(parts, ":"))
