local function counter()
 local c = 0
 return function() c = c + 1 return c end
end
local a, b = counter(), counter()
print(a(), a(), b(), a())
