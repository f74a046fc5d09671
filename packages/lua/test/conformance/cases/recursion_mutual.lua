local iseven
local function isodd(n) if n == 0 then return false end return iseven(n - 1) end
iseven = function(n) if n == 0 then return true end return isodd(n - 1) end
print(iseven(1000), isodd(777))
