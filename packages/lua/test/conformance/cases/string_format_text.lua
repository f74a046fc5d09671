-- oracle: luajit
-- %s (numbers, __tostring called once and its result shown raw, precision, width), %q escapes, %c (NUL, widths, truncation), %%
local F = string.format
local obj = setmetatable({}, { __tostring = function() return "hello" end })
local num = setmetatable({}, { __tostring = function() return 42 end })
print(F("%s|%s|%s|%s|%s|%s", "a", 1, 2.5, nil, true, false), F("%s", 1e100), F("%s", -0), F("%s", 2^63))
print(F("[%10s][%-10s][%.2s][%5.1s][%.0s][%05s]", "hi", "hi", "hello", "hello", "abc", "ab"), F("%s|%-8s|%.3s", obj, obj, obj), F("%s", num))
print(F("%q", "he said \"hi\"\n\\"), F("%q", "\r\0\0011\127\128\255\t\26x"), F("%q", 1/3), F("%q", 42), F("%10q|", "a"), F("%q", obj))
print(F("%c%c%c", 76, 117, 97), F("%5c|%-5c|%05c|", 65, 66, 67), F("%c", 0) == "\0", F("%c", 256 + 65), F("%c", 65.9), F("%c", 2^32 + 65) == "\0", F("%c", "66"))
print(F("100%% %s", "done"), F("%%d %d", 1), F("%s", "a\0b") == "a\0b", F("abc"), F(12), F("%s %s", F("%d", 3), F("%5.2s|", "xyz")))
print(F("%s", setmetatable({}, { __tostring = function() return "a" end })) .. F("%s", setmetatable({}, { __tostring = function() return "b" end })))
print(pcall(F, "%s", setmetatable({}, { __tostring = function() error("in tostring") end })))
