local x, y = 5, nil
if x and not y then print("a") end
if x > 3 or y then print("b") end
if not (x < 3 and y) then print("c") end
local r = x > 3 and "big" or "small"
print(r)
