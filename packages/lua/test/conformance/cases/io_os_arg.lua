-- oracle: luajit
-- io.write/stdout:write, string buffering, os.time/clock/getenv/date types, the arg table
io.write("a", 1, " ", 2.5, "\n")
io.stdout:write("stdout ", "write\n")
print(io.type(io.stdout), io.type(42), type(os.time()), type(os.clock()))
print(os.getenv("TRACESIM_SURELY_UNSET_VARIABLE"))
print(type(os.date("%Y")), os.time({ year = 2020, month = 1, day = 1, hour = 12 }) - os.time({ year = 2020, month = 1, day = 2, hour = 12 }))
print(#arg, arg[1], arg[2], select("#", ...))
print(collectgarbage("count") > 0, collectgarbage(), collectgarbage("step"))
print(pcall(io.write, {}))
