local obj = {n = 5}
function obj.get(self) return self.n end
function obj:inc(d) self.n = self.n + d end
obj:inc(3)
print(obj:get(), obj.get(obj))
