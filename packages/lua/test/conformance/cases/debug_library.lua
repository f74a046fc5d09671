-- oracle: luajit
-- debug.getinfo fields, getlocal/setlocal, getupvalue/setupvalue, upvalueid/upvaluejoin, metatables, traceback
local function f(a, b, ...)
  local info = debug.getinfo(1, "Slnu")
  print(info.short_src, info.linedefined, info.lastlinedefined, info.what, info.currentline, info.name, info.namewhat, info.nups, info.nparams, info.isvararg)
  print(debug.getlocal(1, 1), debug.getlocal(1, 2))
  print(debug.setlocal(1, 1, "changed"), a)
  return 0
end
f(10, 20)
print(debug.getinfo(print, "S").what, debug.getinfo(1, "S").what, debug.getinfo(100))
print(pcall(debug.getinfo, 1, "?"))
local x, y = 1, 2
local function g() return x + y end
print(debug.getupvalue(g, 1))
print(debug.getupvalue(g, 2))
print(debug.setupvalue(g, 1, 40), g(), x)
local function h() return y end
print(debug.upvalueid(g, 2) == debug.upvalueid(h, 1), debug.upvalueid(g, 1) == debug.upvalueid(h, 1))
debug.upvaluejoin(g, 1, h, 1)
print(g())
local t = setmetatable({}, { __metatable = "hidden" })
print(getmetatable(t), type(debug.getmetatable(t)))
debug.setmetatable(t, nil)
print(getmetatable(t))
print(type(debug.getregistry()), debug.gethook())
local tb = debug.traceback("oops")
print(tb:match("^oops\nstack traceback:\n") ~= nil)
print(debug.traceback({}) ~= nil, type(debug.traceback(12)))
local lines = debug.getinfo(f, "L").activelines
print(lines[4], lines[5], lines[2])
local e = debug.getfenv(f)
print(e == _G)
