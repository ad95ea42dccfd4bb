# The CPU-sized generator schedule (the tiny UNet, about 30 minutes on 2
# cores; benchmarks/RESULTS.md): 750 iterations of batch 64 in bf16
# autocast (1.5x faster train steps on this CPU, benchmarks/
# diffusion_speed.py), Adam lr 5e-4 instead of 2e-4 (a 750-iteration run
# needs faster progress) with a 100-iteration warm-up, EMA decay 0.99 (a
# ~100-iteration horizon: with the paper's 0.9999, or even 0.999, the
# averaged weights of a run this short would still be mostly the random
# initialisation, 0.999^250 = 0.78), guided sample grids.
_base_ = ['./diffusion_adam_500k.py']
optim_wrapper = dict(
    type='CPUAutocastOptimWrapper',
    dtype='bfloat16',
    optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 100, by_epoch=False, begin=0,
         end=101),
]
train_cfg = dict(max_iters=750, val_interval=250)
custom_hooks = [
    dict(type='EMAHook', momentum=1e-2, priority='ABOVE_NORMAL'),
    dict(type='TrainClassCountsHook'),
    dict(type='DiffusionSampleGridHook', per_class=8, num_steps=25,
         guidance_scale=8.0),
]
