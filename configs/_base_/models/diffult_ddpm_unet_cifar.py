# DiffuLT's generator for CIFAR (paper, App. A.1, on the CBDM code): the DDPM
# CIFAR UNet (ch 128, mult [1,2,2,2], attention at 16x16, 2 res-blocks,
# dropout 0.1; ~35.7 M parameters), T = 1000 linear betas 1e-4..0.02,
# eps-prediction, labels dropped for the whole batch with p = 0.1 (CFG),
# L_DDPM + L_CBDM (tau 1, gamma 0.25). L_AID is enabled by the dataset
# configs that know phi0 (see configs/diffusion/).
model = dict(
    type='DiffuLTDiffusion',
    num_classes=100,
    unet='ddpm-cifar',
    num_train_timesteps=1000,
    beta_schedule='linear',
    beta_start=1e-4,
    beta_end=0.02,
    label_drop_prob=0.1,
    label_drop_mode='batch',
    cbdm=dict(tau=1.0, gamma=0.25),
    ada=None,
    # Validation samples: DDIM-50 without guidance (cheap; the synthesis
    # stage chooses its own sampler).
    sample_cfg=dict(
        num_steps=50, sampler='ddim', guidance_scale=0.0, seed=0,
        batch_size=256),
)
