print(1 and 2, nil and 1, false or "x", nil or false, 1 or error("no"), false and error("no"))
local a = nil
print(a and a.x, a or "default", not a, not not a)
