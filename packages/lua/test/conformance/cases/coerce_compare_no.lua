print(pcall(function() return "10" < 9 end))
