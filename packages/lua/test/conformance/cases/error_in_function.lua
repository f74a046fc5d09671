local function f()
  error("inside f")
end
f()
