# MetaFormer-0 without meta-information on iNaturalist 2018: the vision-only
# pair of metafg-meta-0_inat2018.py (same network without meta tokens, same
# recipe). Published (code README, ImageNet-1k pre-training): 79.5 top-1.
_base_ = ['./metafg-meta-0_inat2018.py']

model = dict(backbone=dict(meta_dims=()))
leaderboard = dict(method='MetaFormer-0')
