-- __index/__newindex as tables and functions, chains, rawget/rawset, __call, getmetatable/__metatable
local base = { greet = function(self) return "hi " .. self.name end, kind = "base" }
local mid = setmetatable({ kind = "mid" }, { __index = base })
local obj = setmetatable({ name = "o" }, { __index = mid })
print(obj:greet(), obj.kind, rawget(obj, "kind"))
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) log[#log + 1] = "get " .. tostring(k); return k .. "!" end,
  __newindex = function(t, k, v) log[#log + 1] = "set " .. tostring(k); rawset(t, k, v * 2) end,
})
print(proxy.a, proxy.b)
proxy.x = 5
print(proxy.x, rawget(proxy, "x"))
proxy.x = 7
print(proxy.x, table.concat(log, ","))
local store = {}
local redirect = setmetatable({}, { __newindex = store })
redirect.k = 1
print(rawget(redirect, "k"), store.k)
local callable = setmetatable({}, { __call = function(self, a, b) return a + b, self end })
local r, s = callable(2, 3)
print(r, s == callable)
print(getmetatable(setmetatable({}, { __metatable = "locked" })))
print(pcall(setmetatable, setmetatable({}, { __metatable = false }), {}))
print(getmetatable("abc").__index == string)
local counter = setmetatable({}, { __index = function(t, k) return k * 2 end })
local sum = 0
for i = 1, 200 do sum = sum + counter[i] end
print(sum)
print(rawequal(obj, obj), rawequal(obj, mid), rawget(setmetatable({}, { __index = base }), "kind"))
