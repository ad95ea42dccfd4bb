# SP2OT (Zhang et al., arXiv 2404.03446) on CIFAR-100-LT IF100: P2OT's
# recipe (./p2ot_vit-base-p16-dino_cifar100lt.py) with the semantic
# regularisation, as the SP2OT code's README runs CIFAR-100
# (rhfeiyang/SPPOT: one cosine head, 20 nearest neighbours, mm_factor 1000,
# the bank from the first epoch).
#
# Our lambda_s is on labels (rows summing to 1) divided by k, the code's
# mm_factor on the plan (rows summing to 1/N, N = the bank's 5,120 rows):
# the same term is lambda_s = mm_factor * k / N = 1000 * 20 / 5120 = 3.9.
# Departures, stated: the neighbour graph is binary and built on the bank's
# current backbone features; the code keeps the cosine similarity of the
# k neighbours, computed once over the dataset with the DINO backbone.
_base_ = ['./p2ot_vit-base-p16-dino_cifar100lt.py']
model = dict(head=dict(num_heads=1, semantic_weight=3.9, num_neighbours=20,
                       mm_iters=10))
