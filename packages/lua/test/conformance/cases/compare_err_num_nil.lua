local n = 5
if n > nil then print(1) end
