print(-2^2, 2^-2, -2^-2)
local t = {2}
print(t[1]^3)
