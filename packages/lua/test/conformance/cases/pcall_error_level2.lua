local function check(x) if not x then error("bad input", 2) end end
local function user() check(false) end
print(pcall(user))
