-- arithmetic, concat, unary minus, length and comparison metamethods
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b) if type(b) == "number" then return vec(a.x * b, a.y * b) end return a.x * b.x + a.y * b.y end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__len = function(a) return 2 end
V.__concat = function(a, b)
  local function s(v) return type(v) == "table" and ("(" .. v.x .. "," .. v.y .. ")") or tostring(v) end
  return s(a) .. s(b)
end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "vec" .. a.x .. ":" .. a.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 3), tostring(b / 2), tostring(b % 2), tostring(a ^ 2))
print(tostring(-a), #a, a .. b, a .. "!", "!" .. b, 1 .. a)
print(a == vec(1, 2), a ~= b, a < b, a <= b, a > b, a >= b, rawequal(a, vec(1, 2)))
local acc = vec(0, 0)
for i = 1, 100 do acc = acc + vec(i, -i) end
print(tostring(acc))
print(pcall(function() return a + 1 end))
print(pcall(function() return {} < {} end))
print(pcall(function() return a < 1 end))
