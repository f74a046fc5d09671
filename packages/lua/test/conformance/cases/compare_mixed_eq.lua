print(1 == "1", "1" == 1, nil == false, {} == {}, 0 == -0, "a" ~= "a")
local t = {}
local u = t
print(t == u, t ~= u)
