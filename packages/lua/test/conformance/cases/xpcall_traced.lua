-- oracle: luajit
-- xpcall under the JIT: a handler that rewrites the error, a Lua callee with arguments and
-- results, errors raised by error() and by the trace's own code, and a builtin callee
local function f(a, b) if a % 9 == 0 then error("nine") end return a - b, b end
local function h(e) return "handled: " .. tostring(e) end
local function g(t) return t.v * 2 end
local ok, bad, s, m = 0, 0, 0, 0
for i = 1, 300 do
  local r1, r2, r3 = xpcall(f, h, i, 3)
  if r1 then ok = ok + 1; s = s + r2 + r3 else bad = bad + 1; m = m + #r2 end
  local q1, q2 = xpcall(g, h, (i % 4 == 0) and i or {v = i})
  if q1 then s = s + q2 else bad = bad + 1; m = m + #q2 end
  local t1, t2 = xpcall(type, h, i)
  if t1 and t2 == "number" then ok = ok + 1 end
end
print(ok, bad, s, m)
