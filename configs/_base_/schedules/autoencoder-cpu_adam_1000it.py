# The latent autoencoder's CPU schedule (about 10 minutes on 2 cores, batch
# 64 in bf16 autocast): Adam lr 1e-3, 50-iteration warm-up, cosine to 1e-5
# over 1,000 iterations (~5 passes over CIFAR-10-LT's 12,406 images).
optim_wrapper = dict(
    type='CPUAutocastOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='Adam', lr=1e-3),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 50, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=1000,
         T_max=950, eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)
