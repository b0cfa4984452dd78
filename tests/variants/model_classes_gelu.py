"""
Variant of py/microgpt.py: the model is written as classes called like functions (Linear,
Embedding, RMSNorm, Attention, MLP, Block, GPT), parameters gathered by parameters(), and the
loops call model(token_id, pos_id, kv). The MLP uses GELU (tanh form; Value gains tanh()).
"""

import os  # os.path.exists: download the data set only once
import math  # math.log, math.exp for the autograd operations
import random  # random.seed, random.gauss, random.shuffle, random.choices
random.seed(42)  # same seed, same run: the numbers below are reproducible

# Dataset: one document per line (here, one name per line).
if not os.path.exists('input.txt'):
    import urllib.request
    names_url = 'https://raw.githubusercontent.com/karpathy/makemore/master/names.txt'
    urllib.request.urlretrieve(names_url, 'input.txt')
docs = [line.strip() for line in open('input.txt').read().splitlines() if line.strip()]
random.shuffle(docs)  # so training does not see the names in file order
print(f"num docs: {len(docs)}")

# Tokenizer: every distinct character is a token; one extra token, BOS, marks
# both the beginning and the end of a document.
uchars = sorted(set(''.join(docs)))
BOS = len(uchars)
vocab_size = len(uchars) + 1
print(f"vocab size: {vocab_size}")

# Autograd: each Value remembers which Values it was computed from and the local
# derivative with respect to each, so backward() can apply the chain rule.
class Value:
    __slots__ = ('data', 'grad', '_children', '_local_grads')  # many millions get made: keep them small

    def __init__(self, data, children=(), local_grads=()):
        self.data = data  # the number computed in the forward pass
        self.grad = 0  # d(loss)/d(this), filled in by backward()
        self._children = children  # the inputs of the operation that made this Value
        self._local_grads = local_grads  # d(this)/d(each input), known at creation time

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other):  # other is a plain number, not a Value
        return Value(self.data**other, (self,), (other * self.data**(other - 1),))

    def log(self): return Value(math.log(self.data), (self,), (1 / self.data,))
    def exp(self): return Value(math.exp(self.data), (self,), (math.exp(self.data),))
    def relu(self): return Value(max(0, self.data), (self,), (float(self.data > 0),))
    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))
    # The rest are built from the operations above, so they need no derivatives of their own.
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        # Order the graph so that each Value comes after everything it was made from;
        # walking that order backwards, a Value's grad is complete before it is passed on.
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1  # d(self)/d(self)
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad  # chain rule; += because a Value can feed several others

# Model size.
n_layer = 1  # transformer blocks
n_embd = 16  # numbers per token vector
block_size = 16  # longest context the model sees
n_head = 4  # attention heads
head_dim = n_embd // n_head  # numbers per head

# The model as objects: each layer kind is a class whose instances are called like functions
# and list their own parameters; a model's parameters() gathers those of its parts.
class Module:
    def parameters(self):
        return []

class Linear(Module):
    # Each output is a weighted sum of all the inputs: one row of w per output.
    def __init__(self, nin, nout, std=0.08):
        self.w = [[Value(random.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]

    def __call__(self, x):
        return [sum(wi * xi for wi, xi in zip(row, x)) for row in self.w]

    def parameters(self):
        return [p for row in self.w for p in row]

class Embedding(Module):
    # A table with one learned vector per id (token or position).
    def __init__(self, num, dim, std=0.08):
        self.w = [[Value(random.gauss(0, std)) for _ in range(dim)] for _ in range(num)]

    def __call__(self, idx):
        return self.w[idx]

    def parameters(self):
        return [p for row in self.w for p in row]

class RMSNorm(Module):
    # Rescale the vector to unit root-mean-square so values stay in a steady range layer after layer.
    def __init__(self, eps=1e-5):
        self.eps = eps

    def __call__(self, x):
        ms = sum(xi * xi for xi in x) / len(x)
        scale = (ms + self.eps) ** -0.5
        return [xi * scale for xi in x]

class GELU(Module):
    # A smooth relu: x times (about) the probability that a standard normal is below x,
    # in its tanh approximation.
    def __call__(self, x):
        c = math.sqrt(2 / math.pi)
        return [0.5 * xi * (1 + (c * (xi + 0.044715 * xi**3)).tanh()) for xi in x]

def softmax(logits):
    # Subtracting the largest logit changes nothing in the result but keeps exp() from overflowing.
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]

class Attention(Module):
    # This position asks (q), every position so far answers (k), and the answers'
    # contents (v) are mixed according to how well they match.
    def __init__(self, n_embd, n_head):
        self.n_head, self.head_dim = n_head, n_embd // n_head
        self.wq, self.wk = Linear(n_embd, n_embd), Linear(n_embd, n_embd)
        self.wv, self.wo = Linear(n_embd, n_embd), Linear(n_embd, n_embd)

    def __call__(self, x, cache):
        keys, values = cache  # what earlier positions left behind, for this layer
        q, k, v = self.wq(x), self.wk(x), self.wv(x)
        keys.append(k)
        values.append(v)
        hd = self.head_dim
        out = []
        for h in range(self.n_head):
            # Each head works on its own slice of the vector, so heads can attend to different things.
            q_h = q[h * hd:(h + 1) * hd]
            k_h = [ki[h * hd:(h + 1) * hd] for ki in keys]
            v_h = [vi[h * hd:(h + 1) * hd] for vi in values]
            attn_logits = [sum(qj * kj for qj, kj in zip(q_h, kt)) / hd**0.5 for kt in k_h]
            attn_weights = softmax(attn_logits)
            out.extend(sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(hd))
        return self.wo(out)

    def parameters(self):
        return self.wq.parameters() + self.wk.parameters() + self.wv.parameters() + self.wo.parameters()

class MLP(Module):
    # Widen, bend with GELU, narrow again.
    def __init__(self, n_embd):
        self.fc1, self.act, self.fc2 = Linear(n_embd, 4 * n_embd), GELU(), Linear(4 * n_embd, n_embd)

    def __call__(self, x):
        return self.fc2(self.act(self.fc1(x)))

    def parameters(self):
        return self.fc1.parameters() + self.fc2.parameters()

class Block(Module):
    # Attention then MLP, each on a normalised copy, each added to its input (residual).
    def __init__(self, n_embd, n_head):
        self.norm1, self.attn = RMSNorm(), Attention(n_embd, n_head)
        self.norm2, self.mlp = RMSNorm(), MLP(n_embd)

    def __call__(self, x, cache):
        x = [a + b for a, b in zip(self.attn(self.norm1(x), cache), x)]
        x = [a + b for a, b in zip(self.mlp(self.norm2(x)), x)]
        return x

    def parameters(self):
        return self.attn.parameters() + self.mlp.parameters()

class GPT(Module):
    # One token in, one score per vocabulary entry out.
    def __init__(self, vocab_size, block_size, n_layer, n_embd, n_head):
        self.wte = Embedding(vocab_size, n_embd)  # what the token is
        self.wpe = Embedding(block_size, n_embd)  # where it stands
        self.norm = RMSNorm()
        self.blocks = [Block(n_embd, n_head) for _ in range(n_layer)]
        self.lm_head = Linear(n_embd, vocab_size)

    def __call__(self, token_id, pos_id, kv):
        # kv holds one (keys, values) pair of lists per block: the cache attention looks back at.
        x = [t + p for t, p in zip(self.wte(token_id), self.wpe(pos_id))]
        x = self.norm(x)
        for block, cache in zip(self.blocks, kv):
            x = block(x, cache)
        return self.lm_head(x)  # one score per possible next token

    def parameters(self):
        ps = self.wte.parameters() + self.wpe.parameters()
        for block in self.blocks:
            ps += block.parameters()
        return ps + self.lm_head.parameters()

model = GPT(vocab_size, block_size, n_layer, n_embd, n_head)
params = model.parameters()  # one flat list for the optimizer
print(f"num params: {len(params)}")

# Adam keeps, per parameter, a running mean of the gradient (m) and of its square (v).
learning_rate, beta1, beta2, eps_adam = 0.01, 0.85, 0.99, 1e-8
m = [0.0] * len(params)
v = [0.0] * len(params)

# Training: one document per step.
num_steps = 1000
for step in range(num_steps):

    # Wrap the document in BOS on both sides: predict its first letter from nothing,
    # and learn where it ends.
    doc = docs[step % len(docs)]
    tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]
    n = min(block_size, len(tokens) - 1)

    # Forward: at each position, predict the next token; the loss is how surprised the model is.
    kv = [([], []) for _ in range(n_layer)]  # per block: keys, values
    losses = []
    for pos_id in range(n):
        token_id, target_id = tokens[pos_id], tokens[pos_id + 1]
        logits = model(token_id, pos_id, kv)
        probs = softmax(logits)
        loss_t = -probs[target_id].log()
        losses.append(loss_t)
    loss = (1 / n) * sum(losses)  # average over the positions of this document

    # Backward: the gradient of the loss with respect to every parameter.
    loss.backward()

    # Update: Adam step with a learning rate that decays linearly to zero.
    lr_t = learning_rate * (1 - step / num_steps)
    for i, p in enumerate(params):
        m[i] = beta1 * m[i] + (1 - beta1) * p.grad
        v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2
        m_hat = m[i] / (1 - beta1 ** (step + 1))  # undo the pull towards 0 of the early averages
        v_hat = v[i] / (1 - beta2 ** (step + 1))
        p.data -= lr_t * m_hat / (v_hat ** 0.5 + eps_adam)
        p.grad = 0  # gradients add up in backward(), so clear them for the next step

    print(f"step {step+1:4d} / {num_steps:4d} | loss {loss.data:.4f}", end='\r')

# Inference: start from BOS and let the model pick one token at a time until it emits BOS again.
temperature = 0.5  # below 1 sharpens the distribution: fewer odd picks
print("\n--- inference ---")
for sample_idx in range(20):
    kv = [([], []) for _ in range(n_layer)]
    token_id = BOS
    sample = []
    for pos_id in range(block_size):
        logits = model(token_id, pos_id, kv)
        probs = softmax([l / temperature for l in logits])
        token_id = random.choices(range(vocab_size), weights=[p.data for p in probs])[0]
        if token_id == BOS:
            break
        sample.append(uchars[token_id])
    print(f"sample {sample_idx+1:2d}: {''.join(sample)}")
