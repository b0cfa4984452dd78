# guide-test: first_loss=microgpt
"""
Variant of py/microgpt.py: the same code, statement for statement, with long comments in French
(a few hundred lines of explanation) in place of the short English ones.
"""

# =============================================================================================
# Présentation générale
# =============================================================================================
#
# Ce fichier est un modèle de langue complet, écrit en Python pur, sans aucune bibliothèque
# extérieure. Il contient tout ce qu'il faut pour apprendre, à partir d'une liste de prénoms,
# à inventer de nouveaux prénoms qui « ressemblent » aux premiers :
#
#   1. la lecture du jeu de données (un prénom par ligne) ;
#   2. un découpage en jetons (« tokenizer ») où chaque caractère est un jeton ;
#   3. un petit moteur de différentiation automatique, la classe Value, qui retient comment
#      chaque nombre a été calculé afin de pouvoir remonter le calcul et obtenir les dérivées ;
#   4. un transformeur d'une seule couche : plongements (embeddings), attention à plusieurs
#      têtes, perceptron multicouche (MLP), normalisation RMS ;
#   5. l'optimiseur Adam, qui ajuste les paramètres à partir de leurs gradients ;
#   6. une boucle d'entraînement, un document (un prénom) par étape ;
#   7. une boucle d'échantillonnage, qui tire des prénoms nouveaux un caractère à la fois.
#
# Le script est lent, et c'est voulu : chaque nombre est un objet Python à part entière, ce qui
# permet d'observer chaque étape du calcul. Un vrai modèle ferait les mêmes opérations sur des
# tableaux entiers à la fois, sur une carte graphique ; ici on les fait une par une, à la main.
#
# Quelques mots de vocabulaire, utilisés plus bas :
#
#   - un « document » est une ligne du fichier, ici un prénom ;
#   - un « jeton » est l'unité que le modèle lit et prédit, ici un caractère ;
#   - un « logit » est un score brut, non normalisé, attribué à chaque jeton possible ;
#   - une « probabilité » s'obtient à partir des logits par la fonction softmax ;
#   - la « perte » (loss) mesure la surprise du modèle devant le vrai jeton suivant : moins
#     le modèle lui donnait de probabilité, plus la perte est grande ;
#   - le « gradient » d'un paramètre est la dérivée de la perte par rapport à ce paramètre :
#     il dit dans quel sens, et à quel point, bouger ce paramètre change la perte.

import os  # os.path.exists : ne télécharger le jeu de données qu'une seule fois
import math  # math.log et math.exp, pour les opérations de la différentiation automatique
import random  # random.seed, random.gauss, random.shuffle, random.choices
random.seed(42)  # même graine, même exécution : les nombres ci-dessous sont reproductibles

# ---------------------------------------------------------------------------------------------
# Le jeu de données
# ---------------------------------------------------------------------------------------------
#
# Un document par ligne. Si le fichier input.txt n'existe pas encore, on le télécharge depuis
# le dépôt makemore ; sinon on le lit tel quel. Les lignes vides sont écartées, et les espaces
# en début et en fin de ligne retirés.
#
# On mélange ensuite les documents : sans cela, le modèle verrait les prénoms dans l'ordre du
# fichier (par exemple tous les prénoms fréquents d'abord), et chaque étape d'entraînement
# tirerait le modèle dans une direction différente selon l'endroit du fichier où l'on se trouve.
# Le mélange dépend de la graine fixée plus haut, il est donc le même à chaque exécution.
if not os.path.exists('input.txt'):
    import urllib.request
    names_url = 'https://raw.githubusercontent.com/karpathy/makemore/master/names.txt'
    urllib.request.urlretrieve(names_url, 'input.txt')
docs = [line.strip() for line in open('input.txt').read().splitlines() if line.strip()]
random.shuffle(docs)  # pour que l'entraînement ne voie pas les prénoms dans l'ordre du fichier
print(f"num docs: {len(docs)}")

# ---------------------------------------------------------------------------------------------
# Le découpage en jetons
# ---------------------------------------------------------------------------------------------
#
# Chaque caractère distinct du jeu de données devient un jeton ; son numéro est sa place dans
# la liste triée des caractères. Pour les prénoms anglais en minuscules, cela fait 26 lettres.
#
# On ajoute un jeton spécial, BOS (« beginning of sequence »), qui n'est aucun caractère. Il
# joue deux rôles : placé au début d'un document, il dit au modèle « un prénom commence ici » ;
# placé à la fin, il lui apprend à dire « le prénom est fini ». Au moment de l'échantillonnage,
# c'est lui que le modèle émet pour s'arrêter. Son numéro est le premier libre après les
# caractères, d'où la taille du vocabulaire : le nombre de caractères plus un.
uchars = sorted(set(''.join(docs)))
BOS = len(uchars)
vocab_size = len(uchars) + 1
print(f"vocab size: {vocab_size}")

# ---------------------------------------------------------------------------------------------
# La différentiation automatique
# ---------------------------------------------------------------------------------------------
#
# Une Value enveloppe un seul nombre (data). Chaque opération entre Values crée une nouvelle
# Value qui se souvient de ses entrées (_children) et de la dérivée locale du résultat par
# rapport à chacune d'elles (_local_grads). Ces dérivées locales sont connues au moment même du
# calcul : pour a + b, elles valent 1 et 1 ; pour a * b, elles valent b et a ; pour log(a),
# elles valent 1 / a ; et ainsi de suite.
#
# Une fois la perte calculée, backward() parcourt ce graphe à l'envers. La règle de dérivation
# des fonctions composées (la « règle de la chaîne ») dit que le gradient d'une entrée est la
# somme, sur tous les chemins qui partent d'elle, du gradient du résultat multiplié par la
# dérivée locale. C'est exactement ce que fait la dernière boucle de backward().
#
# __slots__ sert à économiser la mémoire : une étape d'entraînement crée des dizaines de
# milliers de Values, et l'entraînement entier des dizaines de millions.
class Value:
    __slots__ = ('data', 'grad', '_children', '_local_grads')  # on en crée des millions : les garder petites

    def __init__(self, data, children=(), local_grads=()):
        self.data = data  # le nombre calculé pendant la passe avant
        self.grad = 0  # d(perte)/d(cette valeur), rempli par backward()
        self._children = children  # les entrées de l'opération qui a produit cette valeur
        self._local_grads = local_grads  # d(cette valeur)/d(chaque entrée), connues dès le calcul

    # L'addition : les deux dérivées locales valent 1. Un nombre ordinaire est d'abord enveloppé
    # dans une Value, pour que l'on puisse écrire x + 1 aussi bien que x + y.
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    # La multiplication : la dérivée par rapport à l'un des facteurs est l'autre facteur.
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    # La puissance, par un nombre ordinaire seulement : d(x**n)/dx = n * x**(n-1).
    def __pow__(self, other):  # other est un nombre ordinaire, pas une Value
        return Value(self.data**other, (self,), (other * self.data**(other - 1),))

    # Le logarithme, l'exponentielle et la fonction ReLU, avec leurs dérivées : 1/x, exp(x),
    # et 1 ou 0 selon que x est positif ou non.
    def log(self): return Value(math.log(self.data), (self,), (1 / self.data,))
    def exp(self): return Value(math.exp(self.data), (self,), (math.exp(self.data),))
    def relu(self): return Value(max(0, self.data), (self,), (float(self.data > 0),))
    # Les opérations suivantes se construisent à partir des précédentes : elles n'ont donc pas
    # besoin de dérivées propres. La soustraction est une addition de l'opposé, la division une
    # multiplication par l'inverse (une puissance -1).
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        # On range d'abord le graphe dans un ordre « topologique » : chaque Value y vient après
        # toutes celles dont elle a été calculée. En parcourant cet ordre à l'envers, le gradient
        # d'une Value est complet avant d'être transmis à ses entrées.
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1  # d(soi)/d(soi)
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad  # règle de la chaîne ; += car une Value peut en nourrir plusieurs

# ---------------------------------------------------------------------------------------------
# La taille du modèle
# ---------------------------------------------------------------------------------------------
#
# n_embd est la longueur des vecteurs qui représentent chaque jeton à l'intérieur du modèle.
# L'attention découpe ces vecteurs en n_head têtes de head_dim nombres chacune : chaque tête
# peut ainsi s'intéresser à autre chose (la lettre précédente, la voyelle la plus proche...).
# block_size est la plus longue suite de jetons que le modèle peut voir d'un coup ; les
# prénoms plus longs sont tronqués.
n_layer = 1  # blocs de transformeur
n_embd = 16  # nombres par vecteur de jeton
block_size = 16  # contexte le plus long que le modèle voit
n_head = 4  # têtes d'attention
head_dim = n_embd // n_head  # nombres par tête

# ---------------------------------------------------------------------------------------------
# Les paramètres
# ---------------------------------------------------------------------------------------------
#
# Tous les paramètres sont des matrices de Values, tirées au hasard selon une loi normale
# d'écart type 0,08 : assez petits pour que le modèle parte d'une prédiction presque uniforme,
# assez différents les uns des autres pour que les neurones ne restent pas identiques.
#
#   - wte : un vecteur par jeton (ce qu'est le jeton) ;
#   - wpe : un vecteur par position (où se trouve le jeton) ;
#   - lm_head : la matrice qui transforme le vecteur final en un score par jeton possible ;
#   - pour chaque couche : les matrices de la requête (wq), de la clé (wk), de la valeur (wv)
#     et de la sortie (wo) de l'attention, puis les deux matrices du MLP (fc1 élargit le
#     vecteur quatre fois, fc2 le ramène à sa taille).
#
# params les met tous à plat dans une seule liste, dans un ordre fixe : c'est ce que parcourt
# l'optimiseur, qui n'a pas besoin de savoir à quelle matrice appartient chaque nombre.
matrix = lambda nout, nin, std=0.08: [[Value(random.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]
state_dict = {'wte': matrix(vocab_size, n_embd), 'wpe': matrix(block_size, n_embd), 'lm_head': matrix(vocab_size, n_embd)}
for i in range(n_layer):
    state_dict[f'layer{i}.attn_wq'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wk'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wv'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wo'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.mlp_fc1'] = matrix(4 * n_embd, n_embd)
    state_dict[f'layer{i}.mlp_fc2'] = matrix(n_embd, 4 * n_embd)
params = [p for mat in state_dict.values() for row in mat for p in row]  # une seule liste pour l'optimiseur
print(f"num params: {len(params)}")

# ---------------------------------------------------------------------------------------------
# Les briques du modèle
# ---------------------------------------------------------------------------------------------

def linear(x, w):
    # Une couche linéaire : chaque sortie est une somme pondérée de toutes les entrées, avec une
    # ligne de w par sortie. C'est un produit matrice-vecteur, écrit nombre par nombre.
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]

def softmax(logits):
    # La fonction softmax transforme des scores quelconques en probabilités : on prend
    # l'exponentielle de chaque score, puis on divise par la somme. Retrancher d'abord le plus
    # grand score ne change rien au résultat (il se simplifie dans la division), mais empêche
    # exp() de déborder quand les scores sont grands.
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]

def rmsnorm(x):
    # La normalisation RMS ramène le vecteur à une moyenne quadratique de 1, pour que les
    # valeurs gardent le même ordre de grandeur de couche en couche. Le petit 1e-5 évite une
    # division par zéro si le vecteur est nul.
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]

# ---------------------------------------------------------------------------------------------
# Le modèle
# ---------------------------------------------------------------------------------------------
#
# gpt() prend un seul jeton, à une position donnée, et rend un score pour chaque jeton qui
# pourrait venir ensuite. Les positions précédentes ne sont pas recalculées : elles ont laissé
# leurs clés et leurs valeurs dans keys et values (le « cache KV »), une liste par couche, où
# l'attention de la position courante vient les relire. C'est pour cela que l'on appelle gpt()
# une position après l'autre, dans l'ordre, avec les mêmes listes keys et values.
def gpt(token_id, pos_id, keys, values):
    # Un jeton en entrée, un score par entrée du vocabulaire en sortie.
    tok_emb = state_dict['wte'][token_id]  # ce qu'est le jeton
    pos_emb = state_dict['wpe'][pos_id]  # où il se trouve
    x = [t + p for t, p in zip(tok_emb, pos_emb)]
    x = rmsnorm(x)

    for li in range(n_layer):
        # L'attention : la position courante pose une question (la requête q), chaque position
        # vue jusqu'ici y répond (sa clé k), et les contenus (les valeurs v) sont mélangés selon
        # que la clé correspond plus ou moins bien à la requête.
        x_residual = x
        x = rmsnorm(x)
        q = linear(x, state_dict[f'layer{li}.attn_wq'])
        k = linear(x, state_dict[f'layer{li}.attn_wk'])
        v = linear(x, state_dict[f'layer{li}.attn_wv'])
        keys[li].append(k)
        values[li].append(v)
        x_attn = []
        for h in range(n_head):
            # Chaque tête travaille sur sa propre tranche du vecteur : les têtes peuvent ainsi
            # regarder des choses différentes.
            hs = h * head_dim
            q_h = q[hs:hs+head_dim]
            k_h = [ki[hs:hs+head_dim] for ki in keys[li]]
            v_h = [vi[hs:hs+head_dim] for vi in values[li]]
            # Le score d'une position est le produit scalaire de la requête et de sa clé. On le
            # divise par la racine de head_dim pour que les scores ne grandissent pas avec la
            # taille des têtes (ce qui rendrait la softmax trop tranchée dès le départ).
            attn_logits = [sum(q_h[j] * k_h[t][j] for j in range(head_dim)) / head_dim**0.5 for t in range(len(k_h))]
            attn_weights = softmax(attn_logits)
            # La sortie de la tête : la moyenne des valeurs, pondérée par ces poids.
            head_out = [sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(head_dim)]
            x_attn.extend(head_out)
        x = linear(x_attn, state_dict[f'layer{li}.attn_wo'])
        # La connexion résiduelle : on ajoute le résultat à l'entrée au lieu de la remplacer.
        # Le gradient peut ainsi traverser le bloc sans s'affaiblir.
        x = [a + b for a, b in zip(x, x_residual)]
        # Le MLP : on élargit le vecteur, on ne garde que les parties positives (ReLU), puis on
        # le ramène à sa taille ; là aussi, le résultat s'ajoute à l'entrée.
        x_residual = x
        x = rmsnorm(x)
        x = linear(x, state_dict[f'layer{li}.mlp_fc1'])
        x = [xi.relu() for xi in x]
        x = linear(x, state_dict[f'layer{li}.mlp_fc2'])
        x = [a + b for a, b in zip(x, x_residual)]

    logits = linear(x, state_dict['lm_head'])  # un score par jeton suivant possible
    return logits

# ---------------------------------------------------------------------------------------------
# L'optimiseur Adam
# ---------------------------------------------------------------------------------------------
#
# Adam garde, pour chaque paramètre, une moyenne glissante du gradient (m) et de son carré (v).
# Le pas de chaque paramètre est m divisé par la racine de v : les paramètres dont le gradient
# est régulier avancent vite, ceux dont le gradient change de signe sans cesse avancent peu.
# beta1 et beta2 règlent la mémoire de ces deux moyennes ; eps_adam évite une division par zéro.
learning_rate, beta1, beta2, eps_adam = 0.01, 0.85, 0.99, 1e-8
m = [0.0] * len(params)
v = [0.0] * len(params)

# ---------------------------------------------------------------------------------------------
# L'entraînement
# ---------------------------------------------------------------------------------------------
#
# Une étape par document. À chaque étape : on découpe le prénom en jetons, on fait prédire au
# modèle chaque jeton à partir des précédents (la passe avant), on calcule la perte moyenne, on
# en tire les gradients (la passe arrière), puis Adam met à jour chaque paramètre.
num_steps = 1000
for step in range(num_steps):

    # On entoure le document de BOS des deux côtés : le modèle apprend à prédire la première
    # lettre à partir de rien, et à reconnaître où le prénom se termine.
    doc = docs[step % len(docs)]
    tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]
    n = min(block_size, len(tokens) - 1)

    # La passe avant : à chaque position, prédire le jeton suivant. La perte d'une position est
    # moins le logarithme de la probabilité donnée au vrai jeton suivant : nulle si le modèle
    # en était certain, très grande s'il le jugeait presque impossible.
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    losses = []
    for pos_id in range(n):
        token_id, target_id = tokens[pos_id], tokens[pos_id + 1]
        logits = gpt(token_id, pos_id, keys, values)
        probs = softmax(logits)
        loss_t = -probs[target_id].log()
        losses.append(loss_t)
    loss = (1 / n) * sum(losses)  # la moyenne sur les positions de ce document

    # La passe arrière : le gradient de la perte par rapport à chaque paramètre.
    loss.backward()

    # La mise à jour : un pas d'Adam, avec un taux d'apprentissage qui décroît linéairement
    # jusqu'à zéro à la dernière étape. Les moyennes m et v partent de zéro, ce qui les tire
    # vers zéro au début ; m_hat et v_hat corrigent ce biais.
    lr_t = learning_rate * (1 - step / num_steps)
    for i, p in enumerate(params):
        m[i] = beta1 * m[i] + (1 - beta1) * p.grad
        v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2
        m_hat = m[i] / (1 - beta1 ** (step + 1))  # corrige l'attraction vers 0 des premières moyennes
        v_hat = v[i] / (1 - beta2 ** (step + 1))
        p.data -= lr_t * m_hat / (v_hat ** 0.5 + eps_adam)
        p.grad = 0  # backward() additionne les gradients : on les remet à zéro pour l'étape suivante

    print(f"step {step+1:4d} / {num_steps:4d} | loss {loss.data:.4f}", end='\r')

# ---------------------------------------------------------------------------------------------
# L'échantillonnage
# ---------------------------------------------------------------------------------------------
#
# On part de BOS et l'on laisse le modèle choisir un jeton à la fois, tiré au hasard selon les
# probabilités qu'il donne, jusqu'à ce qu'il émette de nouveau BOS (fin du prénom) ou que l'on
# atteigne block_size jetons. La température divise les scores avant la softmax : en dessous de
# 1, elle accentue les écarts entre probabilités, et le modèle fait moins de choix étranges ;
# au-dessus de 1, elle les aplatit, et les prénoms deviennent plus fantaisistes.
temperature = 0.5  # en dessous de 1, la distribution se resserre : moins de choix étranges
print("\n--- inference ---")
for sample_idx in range(20):
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    token_id = BOS
    sample = []
    for pos_id in range(block_size):
        logits = gpt(token_id, pos_id, keys, values)
        probs = softmax([l / temperature for l in logits])
        token_id = random.choices(range(vocab_size), weights=[p.data for p in probs])[0]
        if token_id == BOS:
            break
        sample.append(uchars[token_id])
    print(f"sample {sample_idx+1:2d}: {''.join(sample)}")

# =============================================================================================
# Pour aller plus loin
# =============================================================================================
#
# Quelques expériences simples, à faire en changeant une seule ligne à la fois :
#
#   - doubler n_embd (32) : le modèle a quatre fois plus de paramètres dans ses matrices
#     carrées ; chaque étape est plus lente, mais la perte descend en général plus bas ;
#   - passer n_layer à 2 : un second bloc relit ce que le premier a écrit, et l'attention du
#     second bloc peut combiner des informations déjà mélangées par le premier ;
#   - changer n_head en gardant n_embd : plus de têtes, mais chacune plus étroite ;
#   - monter la température à 1,0 ou 1,5 : les prénoms deviennent plus variés, et plus étranges ;
#   - la baisser vers 0,1 : le modèle choisit presque toujours le jeton le plus probable, et
#     les mêmes prénoms reviennent souvent ;
#   - remplacer input.txt par une autre liste (des villes, des mots d'une autre langue) : le
#     vocabulaire change tout seul, puisqu'il est calculé à partir des données.
#
# À chaque fois, la perte affichée à chaque étape est le meilleur repère : autour de 3,3 au
# départ (c'est le logarithme de 27, la perte d'un modèle qui répartit ses chances également
# entre les 27 jetons), elle doit descendre nettement au fil des étapes. Si elle remonte ou
# oscille fortement, le taux d'apprentissage est probablement trop grand.
#
# Enfin, une remarque sur la lenteur : chaque étape crée des dizaines de milliers d'objets
# Value, et la passe arrière les parcourt tous un par un. C'est le prix de la transparence :
# chaque nombre du calcul peut être examiné, avec son gradient, à n'importe quel moment.
