-- loadstring, load with a reader, dofile errors, xpcall with handlers, setfenv/getfenv
local f = loadstring("return 1 + ...")
print(f(41))
print(loadstring("syntax error here"))
local parts = { "return ", "'pie", "ces'" }
local i = 0
print(load(function() i = i + 1; return parts[i] end)())
local g = loadstring("x = (x or 0) + 1; return x")
print(g(), g(), x)
local env = { print = print }
local h = loadstring("y = 5; return y")
setfenv(h, env)
print(h(), env.y, y)
print(getfenv(h) == env, getfenv(print) == _G)
print(xpcall(function() error("bad") end, function(m) return "handled: " .. m end))
print(xpcall(function() return 1, 2 end, print))
print(xpcall(function() local t = nil; return t.x end, function(m) return (m:gsub("^.-:%d+: ", "")) end))
print(pcall(dofile, "/nonexistent/file.lua"))
print(pcall(loadstring, 42))
print(type(loadstring("return function() end")()))
