local function f()
 local v = "kept"
 local function g() return v end
 return g
end
local g = f()
print(g())
